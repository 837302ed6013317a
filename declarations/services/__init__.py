"""Every change of state in the declarations app: policies.py (policies and their versions),
campaigns.py (campaigns, enrolment, one person's obligation), signing.py (declarations).
Each service is keyword-only, atomic, and writes its audit event in the same transaction."""
