"""leadgate: policy gates, a calibrated score, reasons and a route for every new B2B lead."""
