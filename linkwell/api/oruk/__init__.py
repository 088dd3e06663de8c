"""The public, keyless Open Referral UK 3.0 (HSDS 3.0) read API, mounted at `/api/oruk/`."""
