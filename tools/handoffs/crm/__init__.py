"""``handoff crm``: read deals live from Salesforce or HubSpot, draft handoff PRs, write status back.

The vendors' clients (simple-salesforce, hubspot-api-client) are imported only inside
the two client modules, so nothing here is on the path of ``handoff check``.
"""
