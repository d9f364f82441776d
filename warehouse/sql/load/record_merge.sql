-- Number this merge (inside the merge transaction).
insert into meta.core_merges
select coalesce(max(merge_id), 0) + 1, now()::timestamp from meta.core_merges;
