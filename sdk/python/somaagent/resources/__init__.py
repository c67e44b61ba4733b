"""The resources of the clients, one module per part of the API."""
