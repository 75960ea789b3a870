"""Local doubles of Salesforce and HubSpot: real HTTPS on 127.0.0.1, the documented shapes."""
