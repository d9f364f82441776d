-- A digest of everything that decides what corrections do to a release: the corrections and their
-- fields, the review policy and the retracted documents. A release records it (manifest.json), so a
-- run with no new document still publishes when a correction changed.
select md5(
    coalesce((select string_agg(concat_ws('|', correction_id, doc_id, fact_type, action, span_start, span_end,
                                          match_value, evidence, reason, author, corrected_on, source_file,
                                          source_line), chr(10) order by correction_id)
              from core.corrections), '')
    || coalesce((select string_agg(concat_ws('|', correction_id, field, value), chr(10) order by correction_id, field)
                 from core.correction_fields), '')
    || coalesce((select string_agg(concat_ws('|', min_confidence, retract_vanished), '') from core.review_policy), '')
    || coalesce((select string_agg(doc_id, ' ' order by doc_id) from core.retracted_documents), '')
)
