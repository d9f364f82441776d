-- Stage the document-level reading (title, dates, subject province).
insert into staging.documents by name
select f.*, current_timestamp::timestamp as extracted_at
from incoming as f;
