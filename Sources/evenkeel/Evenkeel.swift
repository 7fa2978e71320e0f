import ArgumentParser

/// Temporary root command of the balancer branch; the integrator merges `BalanceCommand` into the real root.
@main
struct Evenkeel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evenkeel",
        abstract: "Evenkeel: job board, load balancer and the tools around them.",
        subcommands: [BalanceCommand.self])
}
