import Foundation
import Glibc

/// A real peer process (nginx, HAProxy, Alertmanager) started on 127.0.0.1 for one test, stopped at its end.
///
/// Neither starting nor stopping holds a cooperative thread: on 2 cores two blocked threads would starve every
/// other test running beside it.
public final class RunningBalancer: Sendable {
    public let process: Process
    public let folder: URL

    init(process: Process, folder: URL) {
        self.process = process
        self.folder = folder
    }

    /// Starts `program arguments…` and returns once it accepts connections on 127.0.0.1:`port` (at most 10 s).
    public static func start(program: String, arguments: [String], folder: URL, waitingFor port: Int) async throws -> RunningBalancer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let running = RunningBalancer(process: process, folder: folder)
        let deadline = ContinuousClock.now + .seconds(10)
        while !Self.accepts(port: port) {
            guard ContinuousClock.now < deadline, process.isRunning else {
                running.stop()
                throw RunningBalancerError.didNotStart(program, port)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return running
    }

    /// Sends SIGTERM; the wait for the exit and the removal of the folder happen on a Dispatch thread, so this can
    /// be called from a `defer`.
    public func stop() {
        let process = process, folder = folder
        if process.isRunning { process.terminate() }
        DispatchQueue.global().async {
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// A port nothing listens on now.
    public static func freePort() -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// 127.0.0.1:`port` as a socket address.
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    public static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

public enum RunningBalancerError: Error, CustomStringConvertible {
    case didNotStart(String, Int)
    public var description: String {
        switch self {
        case .didNotStart(let program, let port): "\(program) did not start listening on 127.0.0.1:\(port)"
        }
    }
}

