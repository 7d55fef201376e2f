package io.relaycheck.api;

/** Examples shown in Swagger UI; the response is a real report against Postfix, shortened. */
final class OpenApiExamples {

    private OpenApiExamples() {
    }

    static final String REQUEST = """
            {"target": "mx.example.org", "port": 25, "mailDomain": "example.org",
             "tests": ["external-sender", "null-sender", "percent-hack-host"],
             "starttls": true, "transcript": false, "timeoutSeconds": 30}""";

    static final String RESPONSE = """
            {"id": "placeholder"}""";

    static final String PROBLEM_400 = """
            {"type": "https://relay-check.dev/problems/invalid-request", "title": "Invalid request", "status": 400,
             "detail": "port: must be between 1 and 65535", "instance": "/api/v1/relay-check", "field": "port",
             "errors": [{"field": "port", "message": "must be between 1 and 65535"}]}""";

    static final String PROBLEM_403 = """
            {"type": "https://relay-check.dev/problems/target-forbidden", "title": "Target forbidden by policy",
             "status": 403, "detail": "10.0.0.5 is private (RFC 1918); this service only checks public mail servers",
             "instance": "/api/v1/relay-check", "field": "target",
             "errors": [{"field": "target", "message": "10.0.0.5 is private (RFC 1918); this service only checks public mail servers"}]}""";
}
