/// The rules file of the documentation (README, docs/rules.md, `usher rules --help`), which
/// must work as written.
public enum RulesExample {
    public static let documented = """
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

        """
}
