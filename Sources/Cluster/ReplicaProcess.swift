import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One `evenkeel serve` replica running as a child process, for `evenkeel up`.
///
/// The replica is started on port 0 and reports the port it bound on its first output line; its later
/// output is passed through to this process's standard output, prefixed with its name.
public final class ReplicaProcess: Sendable {
    public let name: String
    public let port: Int
    let process: Process

    /// Starts `executable serve` with `arguments` and waits (up to `timeout`) for the replica to say its port.
    /// `echo` passes the replica's output on to this process's standard output.
    /// `port` 0 lets the replica pick one (it reports it).
    ///
    /// The wait for the port is on a Dispatch thread, so starting replicas never holds a cooperative thread.
    public static func start(
        executable: URL, name: String, arguments: [String], port: Int = 0, timeout: Duration = .seconds(30), echo: Bool = true
    ) async throws(ReplicaError) -> ReplicaProcess {
        do {
            return try await blockingWork {
                try ReplicaProcess(executable: executable, name: name, arguments: arguments, port: port, timeout: timeout, echo: echo)
            }
        } catch let error as ReplicaError {
            throw error
        } catch {
            throw .couldNotStart(name, "\(error)")
        }
    }

    /// Starts the replica, blocking the calling thread until it says its port; see `start`.
    init(
        executable: URL, name: String, arguments: [String], port: Int = 0, timeout: Duration = .seconds(30), echo: Bool = true
    ) throws(ReplicaError) {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["serve", "--port", String(port), "--replica-name", name, "--parent-pid", String(getpid())] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch { throw .couldNotStart(name, "\(error)") }
        let reader = output.fileHandleForReading
        let said = PipeReading.until(from: reader, deadline: .now + timeout) { Self.reportedPort(in: $0) != nil }
        guard let port = Self.reportedPort(in: said) else {
            process.terminate()
            throw .noPort(name, String(decoding: said.suffix(2_000), as: UTF8.self))
        }
        self.name = name
        self.port = port
        self.process = process
        var sink: (@Sendable (Data) -> Void)?
        if echo { sink = { data in FileHandle.standardOutput.write(data) } }
        Self.passOn(reader, name: name, to: sink)
    }

    /// The port in the replica's "listening on http://HOST:PORT as NAME" line, once that line is complete.
    static func reportedPort(in output: Data) -> Int? {
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard let line = lines.first(where: { $0.contains("listening on http://") }) else { return nil }
        return line.split(separator: ":").last?.split(separator: " ").first.flatMap { Int($0) }
    }

    /// Reads the replica's later output on a thread of its own until the replica closes it, passing each line on to
    /// `sink` prefixed with the replica's name (or dropping it without one); the pipe stays open until then, so the
    /// replica never blocks on a full pipe.
    ///
    /// Not a `readabilityHandler`: on Linux its dispatch read source is cancelled asynchronously, and a pipe
    /// closed while that cancellation is under way leaves libdispatch a dangling epoll registration that crashes
    /// `_dispatch_event_loop_drain` (the suite crashed there once, while drill fleets started and stopped).
    static func passOn(_ reader: FileHandle, name: String, to sink: (@Sendable (Data) -> Void)?) {
        let thread = Thread {
            while let data = try? PipeReading.chunk(from: reader), !data.isEmpty {
                guard let sink else { continue }
                let prefixed = String(decoding: data, as: UTF8.self).split(separator: "\n").map { "[\(name)] \($0)\n" }.joined()
                sink(Data(prefixed.utf8))
            }
        }
        thread.name = "evenkeel.replica-output.\(name)"
        thread.start()
    }

    /// Whether the child is still running.
    public var isRunning: Bool { process.isRunning }

    /// Kills the replica at once (SIGKILL), as a crash would.
    public func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Asks the replica to drain and stop (SIGTERM), waiting up to `timeout` before killing it.
    public func stop(timeout: Duration = .seconds(15)) async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }
}

/// Why a replica could not be started.
public enum ReplicaError: Error, CustomStringConvertible {
    case couldNotStart(String, String)
    case noPort(String, String)

    public var description: String {
        switch self {
        case .couldNotStart(let name, let why): "replica \(name) could not be started: \(why)"
        case .noPort(let name, let said): "replica \(name) did not report a listening port; it printed:\n\(said)"
        }
    }
}
