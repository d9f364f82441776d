-- Current documents a backfill extracts (their ids: the texts are read a wave at a time). Documents not yet in core are always taken: their dates
-- are only known once they are extracted, and leaving them out would keep ingested text out of core.
-- With $force, documents already in core are taken again when their date (the event date, else the
-- published date) lies in [$from_date, $to_date]; a null bound is open, and an undated document is
-- only taken when both bounds are open.
select c.doc_id
from raw.current_documents as c
left join core.dim_document as k using (doc_id)
where k.doc_id is null
   or (
       cast($force as boolean)
       and (cast($from_date as date) is null
            or coalesce(k.event_date, k.published_date) >= cast($from_date as date))
       and (cast($to_date as date) is null
            or coalesce(k.event_date, k.published_date) <= cast($to_date as date))
   )
order by c.doc_id;
