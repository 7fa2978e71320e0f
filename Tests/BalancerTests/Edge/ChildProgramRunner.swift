import Cluster
import Foundation

/// Finds and runs the real HTTP clients the edge tests use.
enum ChildProgramRunner {
    static func curl(_ arguments: [String]) async throws -> ChildProgram {
        let path = try find("curl", hint: "apt-get install curl")
        return try await ChildProgram.run(path, arguments)
    }

    static func find(_ name: String, hint: String) throws -> String {
        guard let path = ["/usr/bin/\(name)", "/usr/local/bin/\(name)", "/bin/\(name)"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { throw MissingProgram(name: name, hint: hint) }
        return path
    }

    struct MissingProgram: Error, CustomStringConvertible {
        let name: String, hint: String
        var description: String { "\(name) is not installed: \(hint) (scripts/test installs it)" }
    }
}
