import Foundation

/// A program run to its end as a child process: its exit status and everything it wrote.
public struct ChildProgram: Sendable {
    /// The exit status, or the signal number if a signal ended it.
    public let status: Int32
    /// Whether it ended by calling exit (not by a signal).
    public let exited: Bool
    /// Standard output and standard error, interleaved as written.
    public let output: String

    /// Runs `path arguments…` in `directory` with `input` on its standard input and waits for it to end without
    /// holding a cooperative thread.
    public static func run(_ path: String, _ arguments: [String], in directory: URL? = nil, input: Data? = nil) async throws -> ChildProgram {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let inputPipe = input.map { _ in Pipe() }
        process.standardInput = inputPipe ?? FileHandle.nullDevice
        try process.run()
        if let input, let inputPipe {
            // Written apart from the reading below, so a child that answers before it has read all its input cannot
            // stall both ends.
            DispatchQueue.global().async {
                inputPipe.fileHandleForWriting.write(input)
                try? inputPipe.fileHandleForWriting.close()
            }
        }
        let written: Data = try await blockingWork {
            // Read to the end before waiting: a child that fills the pipe would otherwise never end.
            let data = try PipeReading.toEnd(from: output.fileHandleForReading)
            process.waitUntilExit()
            return data
        }
        return ChildProgram(
            status: process.terminationStatus, exited: process.terminationReason == .exit, output: String(decoding: written, as: UTF8.self))
    }
}

extension Process {
    /// Waits for the process to end without holding a cooperative thread, and returns its termination status.
    @discardableResult
    public func ended() async -> Int32 {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                self.waitUntilExit()
                continuation.resume(returning: self.terminationStatus)
            }
        }
    }
}
