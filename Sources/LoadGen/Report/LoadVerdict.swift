/// Whether a load test passes its CI thresholds, and the process exit code that says so; the command only
/// maps this to `exit`, so the decision is tested as a library function.
public struct LoadVerdict: Sendable, Equatable {
    /// Exit codes of `evenkeel load`, documented in its `--help`.
    public enum ExitCode: Int32, Sendable {
        /// Every threshold holds (or none was given).
        case passed = 0
        /// At least one threshold is broken.
        case thresholdBroken = 1
        /// The command line or the scenario file is wrong (the sysexits `EX_USAGE` that ArgumentParser uses).
        case usage = 64
    }

    /// Each threshold judged, in the order given.
    public var results: [ThresholdResult]

    /// Judges `report` against every threshold.
    public init(report: LoadReport, thresholds: [Threshold]) {
        results = thresholds.map { $0.judge(report) }
    }

    /// The thresholds that failed.
    public var broken: [ThresholdResult] { results.filter { !$0.holds } }

    public var exitCode: ExitCode { broken.isEmpty ? .passed : .thresholdBroken }
}
