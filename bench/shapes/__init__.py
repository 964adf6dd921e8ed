"""Nine seeded CRM-export shapes and the harness that measures a leadgate checkout on them (see bench/README.md)."""
