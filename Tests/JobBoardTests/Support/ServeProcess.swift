import Cluster
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// A real `evenkeel serve` child process on an ephemeral port, for tests that need a process to kill.
final class ServeProcess: Sendable {
    let process: Process
    let port: Int

    /// The `evenkeel` executable built beside the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("evenkeel")
    }

    init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    /// Starts `evenkeel serve arguments…` and returns once it has said its port. The wait for that line is on a
    /// Dispatch thread, not on one of the test's cooperative ones.
    static func start(arguments: [String]) async throws -> ServeProcess {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["serve", "--port", "0", "--drain-seconds", "0"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line names the port: "evenkeel serve: listening on http://127.0.0.1:PORT as NAME".
        let handle = output.fileHandleForReading
        let text = try await blockingWork {
            String(decoding: PipeReading.until(from: handle) { $0.contains(UInt8(ascii: "\n")) }, as: UTF8.self)
        }
        guard let portText = text.split(separator: ":").last?.split(separator: " ").first, let port = Int(portText) else {
            process.terminate()
            throw ServeProcessError.noPort(text)
        }
        return ServeProcess(process: process, port: port)
    }

    /// Asks for a graceful shutdown, as a process manager does.
    func terminate() {
        Foundation.kill(process.processIdentifier, SIGTERM)
    }

    func kill() async {
        Foundation.kill(process.processIdentifier, SIGKILL)
        await process.ended()
    }

    /// Sends a request and returns the status and body.
    func send(_ method: String, _ path: String, token: String? = nil, body: String? = nil) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 10
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}

enum ServeProcessError: Error, CustomStringConvertible {
    case noPort(String)
    var description: String {
        switch self {
        case .noPort(let said): "evenkeel serve did not say its port; it printed: \(said)"
        }
    }
}
