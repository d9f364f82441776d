-- severity: warn
-- A failure means the newest report in the warehouse is older than $freshness_days days
-- (CDS_FRESHNESS_DAYS): the sources may have stopped arriving.
select max(coalesce(event_date, published_date)) as newest_document_date
from audit.dim_document
having max(coalesce(event_date, published_date)) < current_date - to_days($freshness_days)
