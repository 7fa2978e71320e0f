import HTTPWire

/// Whether a failed attempt may go to another backend: the proxy's retry rule, as a pure function.
enum RetryDecision {
    /// True when nothing of the response was sent yet, the request can be replayed (its body was small enough
    /// to keep), it was a connect failure (the backend saw nothing) or the method is idempotent, attempts remain,
    /// and an eligible backend has not been tried yet (never the same one twice). The pool's retry budget is asked
    /// for a token only after this says yes.
    static func mayRetry(
        responseStarted: Bool, replayable: Bool, connectFailure: Bool, idempotent: Bool, attempts: Int, maxAttempts: Int,
        untriedBackendsRemain: Bool
    ) -> Bool {
        !responseStarted && replayable && (connectFailure || idempotent) && attempts <= maxAttempts && untriedBackendsRemain
    }
}

/// Who is at fault when an exchange's response timeout fires (nothing moved for `timeouts.response`).
enum ExchangeTimeoutVerdict: Equatable {
    /// The backend could take more of the body and the client sent none: the client's fault (the slot is freed
    /// without counting against the backend).
    case clientStoppedSending
    /// No response head came: the backend's fault, and the attempt may be retried.
    case noResponse
    /// The response started and the client has room, but the backend stopped sending: cut off, counted against it.
    case backendStalled
    /// The response started and the client stopped taking it: cut off, not the backend's fault.
    case clientStoppedReading

    static func of(responseStarted: Bool, requestComplete: Bool, upstreamIsWritable: Bool, clientIsWritable: Bool) -> Self {
        if !responseStarted {
            return !requestComplete && upstreamIsWritable ? .clientStoppedSending : .noResponse
        }
        return clientIsWritable ? .backendStalled : .clientStoppedReading
    }
}

/// Whether a response may leave the client connection open, decided from its head.
enum ResponseConnection {
    /// False when the request is not complete yet (its rest could not be told from the next request), a shutdown is
    /// under way, the body ends with the backend's connection, or a chunked body is dechunked for an HTTP/1.0
    /// client (only the close can mark its end).
    static func mayKeepAlive(requestComplete: Bool, shuttingDown: Bool, framing: BodyFraming, clientIsHTTP11: Bool) -> Bool {
        requestComplete && !shuttingDown && framing != .untilClose && !(framing == .chunked && !clientIsHTTP11)
    }
}
