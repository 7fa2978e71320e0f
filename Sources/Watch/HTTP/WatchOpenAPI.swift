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
        components:
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
