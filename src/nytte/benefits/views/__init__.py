"""The benefit pages, one module per page family: the register, a benefit with its lines,
the analyses (map, who pays, follow-up), the realisation plan, and Excel."""
