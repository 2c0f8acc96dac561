import ArgumentParser

/// `usher`: the root command.
struct Usher: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "usher",
        abstract: "Hold every incoming TCP connection until it is accepted, rejected or deferred.",
        discussion: """
            usher puts a provider core in front of TCP listeners. Each connection the kernel \
            completes waits in a pending queue, with the first bytes the client sent, until \
            a condition (the policy), an operator or the pending timeout decides: accept \
            (proxy it to the upstream), reject (close with an optional reply, or reset), or \
            defer.

            Start with:
              usher serve --policy accept       proxy to the built-in demo upstream
              usher serve                       hold every connection (policy ask)
              usher serve --upstream 127.0.0.1:3000 --policy accept

            Then, from another terminal (same user or root):
              usher ls                          pending requests
              usher accept r1                   let one through
              usher reject r2 --reset           refuse one
              usher defer r3 --for 5s           decide later
              usher watch                       every event as it happens
              usher log --since 1h              who was let in, by whom, and why

            See 'usher help COMMAND' for every option.
            """,
        version: "\(version) (commit \(BuildStamp.commit))",
        subcommands: [Run.self, Top.self, Serve.self, GuardCommand.self, List.self, Listeners.self, Accept.self, Reject.self, Defer.self, Watch.self, Reload.self, Restart.self, Rules.self, Log.self, Config.self]
    )
}
