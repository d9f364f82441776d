-- Every DTI rank without its evidence text: what the rank charts count votes over.
select * exclude (raw_text, evidence)
from dti_ranks
