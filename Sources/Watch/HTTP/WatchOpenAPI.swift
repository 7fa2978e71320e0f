/// The OpenAPI 3.1 description of Watch's JSON API, served at `/openapi.yaml`.
enum WatchOpenAPI {
    static let document = """
        openapi: 3.1.0
        info:
          title: Evenkeel Watch
          version: "1"
          description: >
            Incidents Watch opened from the balancers' traffic: uneven splits, surges, attacks, sick backends.
            Times are RFC 3339, latency in milliseconds, shares from 0 to 1.
        paths:
          /api/v1/status:
            get:
              summary: Every pool's current signals, the sources' state and the configuration changes seen.
              responses:
                "200":
                  description: The status.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Status"}
          /api/v1/incidents:
            get:
              summary: Incidents, newest first.
              parameters:
                - name: state
                  in: query
                  description: One state or several, comma-separated.
                  schema: {type: string, examples: ["open", "open,acknowledged"]}
                - name: limit
                  in: query
                  schema: {type: integer, minimum: 1, maximum: 1000, default: 100}
              responses:
                "200":
                  description: The incidents.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [incidents]
                        properties:
                          incidents: {type: array, items: {$ref: "#/components/schemas/Incident"}}
                "400": {$ref: "#/components/responses/Problem"}
          /api/v1/incidents/{id}:
            get:
              summary: One incident with its evidence and timeline.
              parameters:
                - name: id
                  in: path
                  required: true
                  schema: {type: integer, format: int64, minimum: 1}
              responses:
                "200":
                  description: The incident.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Incident"}
                "400": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
          /api/v1/incidents/{id}/ack:
            post:
              summary: Acknowledge - a person has it; the other team is told.
              security: [{operatorToken: []}]
              parameters:
                - {$ref: "#/components/parameters/IncidentID"}
              requestBody:
                required: false
                content:
                  application/json:
                    schema:
                      type: object
                      properties: {text: {type: string, maxLength: 4000}}
                      
              responses:
                "200":
                  description: The incident after the action.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Incident"}
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "409": {$ref: "#/components/responses/Problem"}
          /api/v1/incidents/{id}/notes:
            post:
              summary: Add a note to the timeline; the other team is told.
              security: [{operatorToken: []}]
              parameters:
                - {$ref: "#/components/parameters/IncidentID"}
              requestBody:
                required: true
                content:
                  application/json:
                    schema:
                      type: object
                      required: [text]
                      properties: {text: {type: string, maxLength: 4000}}
              responses:
                "200":
                  description: The incident after the action.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Incident"}
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "409": {$ref: "#/components/responses/Problem"}
          /api/v1/incidents/{id}/resolve:
            post:
              summary: Resolve by hand; everyone routed is told.
              security: [{operatorToken: []}]
              parameters:
                - {$ref: "#/components/parameters/IncidentID"}
              requestBody:
                required: false
                content:
                  application/json:
                    schema:
                      type: object
                      properties: {text: {type: string, maxLength: 4000}}
                      
              responses:
                "200":
                  description: The incident after the action.
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Incident"}
                "400": {$ref: "#/components/responses/Problem"}
                "401": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
                "409": {$ref: "#/components/responses/Problem"}
          /api/v1/incidents/{id}/report:
            get:
              summary: A postmortem draft of the incident, with its measured numbers.
              parameters:
                - {$ref: "#/components/parameters/IncidentID"}
                - name: format
                  in: query
                  schema: {type: string, enum: [markdown, json], default: markdown}
              responses:
                "200":
                  description: The draft.
                  content:
                    text/markdown: {schema: {type: string}}
                    application/json: {schema: {type: object}}
                "400": {$ref: "#/components/responses/Problem"}
                "404": {$ref: "#/components/responses/Problem"}
          /api/v1/notifications:
            get:
              summary: The notification outbox, newest first - what was sent, what waits, what failed and why.
              parameters:
                - name: state
                  in: query
                  schema: {type: string, enum: [pending, delivered, failed]}
                - name: limit
                  in: query
                  schema: {type: integer, minimum: 1, maximum: 1000, default: 100}
              responses:
                "200":
                  description: The deliveries.
                  content:
                    application/json:
                      schema:
                        type: object
                        required: [deliveries]
                        properties:
                          deliveries:
                            type: array
                            items:
                              type: object
                              required: [id, receiver, group_key, idempotency_key, incidents, kinds, state, attempts, created_at, due_at]
                              properties:
                                id: {type: integer, format: int64}
                                receiver: {type: string}
                                group_key: {type: string}
                                idempotency_key: {type: string}
                                incidents: {type: array, items: {type: integer, format: int64}}
                                kinds: {type: array, items: {type: string}}
                                state: {type: string, enum: [pending, delivered, failed]}
                                attempts: {type: integer}
                                created_at: {type: string, format: date-time}
                                due_at: {type: string, format: date-time}
                                delivered_at: {type: [string, "null"], format: date-time}
                                last_error: {type: [string, "null"]}
                "400": {$ref: "#/components/responses/Problem"}
        components:
          securitySchemes:
            operatorToken:
              type: http
              scheme: bearer
              description: An operator's token (Watch's configuration keeps its SHA-256 under operators).
          parameters:
            IncidentID:
              name: id
              in: path
              required: true
              schema: {type: integer, format: int64, minimum: 1}
          responses:
            Problem:
              description: What was wrong with the request (RFC 9457).
              content:
                application/problem+json:
                  schema:
                    type: object
                    required: [title, status, detail]
                    properties:
                      title: {type: string}
                      status: {type: integer}
                      detail: {type: string}
          schemas:
            Incident:
              type: object
              required: [id, state, diagnosis, severity, pool, backends, opened_at, summary, evidence, timeline]
              properties:
                id: {type: integer, format: int64}
                state: {type: string, enum: [open, acknowledged, resolved]}
                diagnosis:
                  type: string
                  enum: [config_skew, traffic_surge, attack_suspected, backend_degraded, backend_errors, backend_down, shared_slowdown, target_unreachable]
                severity: {type: string, enum: [page, ticket, info]}
                pool: {type: string, description: The pool, or "source URL" for target_unreachable.}
                backends: {type: array, items: {type: string}}
                opened_at: {type: string, format: date-time}
                resolved_at: {type: [string, "null"], format: date-time}
                summary: {type: string}
                evidence:
                  type: array
                  items:
                    type: object
                    required: [signal, value]
                    properties:
                      signal: {type: string}
                      backend: {type: [string, "null"]}
                      value: {type: number}
                      baseline: {type: [number, "null"]}
                config_change:
                  oneOf:
                    - type: "null"
                    - type: object
                      required: [at, source, diff]
                      properties:
                        at: {type: string, format: date-time}
                        source: {type: string}
                        diff: {type: string}
                        hash: {type: [string, "null"]}
                timeline:
                  type: array
                  items:
                    type: object
                    required: [at, kind, text]
                    properties:
                      at: {type: string, format: date-time}
                      kind: {type: string}
                      text: {type: string}
                      by: {type: string, description: The person who did it; absent for what Watch did or saw.}
                acknowledged_by: {type: [string, "null"]}
                acknowledged_at: {type: [string, "null"], format: date-time}
                resolved_by: {type: [string, "null"]}
                impact:
                  description: What the incident did to users, measured while it lasted.
                  oneOf:
                    - type: "null"
                    - type: object
                      properties:
                        before: {oneOf: [{type: "null"}, {$ref: "#/components/schemas/Levels"}]}
                        during: {$ref: "#/components/schemas/Levels"}
                        requests: {type: number}
                        failed_requests: {type: number}
                        peak_share: {type: number}
                        peak_share_backend: {type: [string, "null"]}
                        peak_share_expected: {type: number}
                        peak_p99_ms: {type: number}
                        peak_error_ratio: {type: number}
                        peak_rate: {type: number}
                        seconds: {type: number}
            Levels:
              type: object
              properties:
                rate: {type: number}
                p99_ms: {type: number}
                error_ratio: {type: number}
            Status:
              type: object
              required: [generated_at, pools, sources, config_changes]
              properties:
                generated_at: {type: string, format: date-time}
                pools:
                  type: object
                  additionalProperties:
                    type: object
                    required: [signals, history]
                    properties:
                      signals: {type: object}
                      baseline_rate: {type: [number, "null"]}
                      history: {type: array, items: {type: object}}
                sources: {type: array, items: {type: object}}
                config_changes: {type: array, items: {type: object}}

        """
}
