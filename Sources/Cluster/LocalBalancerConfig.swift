import Foundation

/// The balancer configuration `evenkeel up` writes for replicas on this machine.
public enum LocalBalancerConfig {
    /// YAML for a round-robin pool over `replicas` (name and port on 127.0.0.1), health-checked on `/readyz`
    /// so a draining replica leaves the rotation, with an access log at `accessLogPath` when given, and TLS with the
    /// certificate and key files `tls` names (HTTP/2 offered) when given; `evenkeel check` finds nothing in it.
    public static func yaml(
        replicas: [(name: String, port: Int)], proxyPort: Int, adminPort: Int, accessLogPath: String? = nil, adminTokenFile: String? = nil,
        tls: (certificate: String, key: String)? = nil
    ) -> String {
        let proxy =
            tls.map { "{ address: 127.0.0.1, port: \(proxyPort), tls: { certificates: [{ certificate: \($0.certificate), key: \($0.key) }] } }" }
            ?? "{ address: 127.0.0.1, port: \(proxyPort) }"
        var text = """
            # Written by `evenkeel up`. Keys and defaults: docs/balancer-config.md.
            listeners:
              proxy: \(proxy)
              admin: { address: 127.0.0.1, port: \(adminPort)\(adminTokenFile.map { ", token_file: \"\($0)\"" } ?? "") }

            """
        if let accessLogPath {
            text += """
                access_log:
                  path: "\(accessLogPath.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))"

                """
        }
        text += """
            pools:
              - name: jobboard
                path_prefix: /
                algorithm: round_robin
                health:
                  path: /readyz
                  interval: 2s
                  timeout: 1s
                  rise: 2
                  fall: 2
                retry:
                  attempts: 2
                  budget_percent: 20
                # A replica back from a restart ramps up instead of taking its full share cold.
                slow_start: 10s
                backends:

            """
        for replica in replicas {
            text += """
                      - name: \(replica.name)
                        address: 127.0.0.1:\(replica.port)
                        weight: 1

                """
        }
        return text
    }
}
