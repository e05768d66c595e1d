"""The cadres' data cockpit (issue 20): membership, services, activities, mall and union-funds
figures of a union's subtree for a period, its children's (drill-down) and its months (trends).

A read model over the domains: each figure comes from the domain function the existing report
queries use (identity.stats, services.scorecards, content.stats, mall.report, mall.union_funds),
batched over many unions so a drill-down is one aggregate query per section, never a query per
union."""
