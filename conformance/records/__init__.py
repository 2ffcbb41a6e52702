"""Record types every stage passes on: an exchange (request, response, timing, expectation), a
check's outcome, and what the media receivers recorded. Below the stages that read them."""
