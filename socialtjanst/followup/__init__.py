"""The managers' follow-up of the case work: the deadline report, the IVO report, intake statistics,
internal controls (stickprov) and indicators, and the report definitions that register them in
common.reporting. It reads the case domain (socialtjanst.models, deadlines, access); nothing in the
case domain reads it."""
