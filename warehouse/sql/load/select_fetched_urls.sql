-- The URLs collect has fetched before, and when: a seen URL is fetched again only if it changed since.
select url, fetched_at
from raw.fetched_urls;
