-- Record the articles a collect run fetched (registered frame `fetched`): a URL's row is its latest fetch.
insert or replace into raw.fetched_urls by name
select *, $run_id as run_id
from fetched;
