import ArgumentParser

/// `evenkeel`: the job board, its load balancer, configuration checks and load tests, one subcommand each.
@main
struct Evenkeel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evenkeel",
        abstract: "A job board and the tools that keep its traffic even.",
        subcommands: [UpCommand.self, ServeCommand.self, SeedCommand.self, BalanceCommand.self, CheckCommand.self, LoadCommand.self, WatchCommand.self, IncidentCommand.self, DrillCommand.self, RulesCommand.self]
    )
}
