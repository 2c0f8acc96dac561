import ArgumentParser

/// `usher rules`: check, list, reload and remove the conditions tested before the policy.
struct Rules: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check, list and reload the rules that decide requests before an operator.",
        discussion: """
            A rules file (TOML, given to 'usher serve --rules FILE' or 'usher run --rules FILE') \
            holds ordered [[rule]] tables; for each request the first rule whose matchers all \
            match decides, else the [default] table, else --policy. Every rule tested leaves \
            an outcome with its reason, shown by 'usher ls --json', 'usher watch' and the \
            dashboard's detail view.

              [[rule]]
              name = "office"
              peer = ["10.0.0.0/8", "fd00::/8"]
              action = "accept"

              [[rule]]
              name = "scanner"
              peer = "127.0.0.2/32"
              action = "reject"
              message = "HTTP/1.0 403 Forbidden\\r\\n\\r\\n"

              [[rule]]
              name = "api-canary"
              sni = "canary.*.example.com"
              rate = "5/1s"
              action = "accept"

              [default]
              action = "ask"

            Matchers (all optional, combined with AND): listener, peer, sni, host, alpn, \
            method, path, data_prefix, data_regex, time, rate, concurrent, and not = { … } \
            to negate. Actions: accept, reject (mode = "close"|"reset", message), defer \
            (for = "30s"), ask. Every key is described in docs/rules.md.

            Examples:
              usher rules check rules.toml      every problem as FILE:LINE:COL, exit 64
            """,
        subcommands: [RulesCheck.self, RulesList.self, RulesReload.self, RulesRemove.self]
    )
}
