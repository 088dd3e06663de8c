"""Open Referral UK / HSDS 3 exchange: serialisers (`hsds`), import (`importer`, `csv_import`)."""
