-- The corrections are the repository's files: every load replaces them as a whole.
delete from core.corrections;
delete from core.correction_fields;
delete from core.review_policy;
