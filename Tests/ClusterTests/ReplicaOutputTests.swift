@testable import Cluster
import Foundation
import Synchronization
import Testing

/// A replica's later output, read until the replica closes its end of the pipe.
@Suite("A replica's output passed on")
struct ReplicaOutputTests {
    @Test func everyLineIsPassedOnWithTheReplicasNameUntilThePipeCloses() async throws {
        let pipe = Pipe()
        let received = Mutex(Data())
        ReplicaProcess.passOn(pipe.fileHandleForReading, name: "replica-2", to: { data in received.withLock { $0.append(data) } })
        pipe.fileHandleForWriting.write(Data("GET /jobs 200\nGET /healthz 200\n".utf8))
        try pipe.fileHandleForWriting.close()
        let expected = "[replica-2] GET /jobs 200\n[replica-2] GET /healthz 200\n"
        let deadline = ContinuousClock.now + .seconds(10)
        while received.withLock({ String(decoding: $0, as: UTF8.self) }) != expected, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(received.withLock { String(decoding: $0, as: UTF8.self) } == expected)
    }

    @Test func thePortIsReadFromTheListeningLineOnlyOnceTheLineIsComplete() {
        let cut = Data("evenkeel serve: listening on http://127.0.0.1:80".utf8)
        #expect(ReplicaProcess.reportedPort(in: cut) == nil, "the line may go on 8080")
        let whole = Data("starting\nevenkeel serve: listening on http://127.0.0.1:8080 as replica-1\n".utf8)
        #expect(ReplicaProcess.reportedPort(in: whole) == 8080)
        #expect(ReplicaProcess.reportedPort(in: Data("starting\n".utf8)) == nil)
    }
}
