import Foundation
import PostgresNIO

/// Reads `postgres://user:password@host:port/database` into a client configuration.
enum PostgresLocation {
    static func configuration(from text: String) throws(DatabaseLocationError) -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql",
            let host = url.host, !host.isEmpty, let user = url.user, !user.isEmpty
        else { throw .unknownScheme(text) }
        let database = String(url.path.drop { $0 == "/" })
        var configuration = PostgresClient.Configuration(
            host: host, port: url.port ?? 5432, username: user.removingPercentEncoding ?? user,
            password: url.password?.removingPercentEncoding, database: database.isEmpty ? nil : database,
            // TLS to the database is not offered yet: run PostgreSQL on a private network or loopback.
            tls: .disable)
        configuration.options.maximumConnections = 20
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}
