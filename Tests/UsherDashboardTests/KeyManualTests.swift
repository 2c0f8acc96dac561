import Foundation
import Testing
import UsherDashboard
import UsherTestSupport

@Suite("The manual's keys", .timeLimit(.minutes(1)))
struct KeyManualTests {
    @Test("docs/usher-dashboard.md lists the keys and commands as the registry has them (record with USHER_RECORD_SNAPSHOTS=1)")
    func manual() throws {
        let path = ThemeTests.repository.appendingPathComponent("docs/usher-dashboard.md").path
        let result = try TextSnapshot.checkSection(KeyManual.markdown(), named: "keys", inFile: path)
        #expect(result == .matches, "\(result)")
    }

    @Test("every action with a key is in the help, and every named one on the command line")
    func oneRegistry() throws {
        var dashboard = Fixture.dashboard(Fixture.snapshot([]), width: 200, height: 120)
        _ = dashboard.press(.character("?"), now: Fixture.now)
        let help = dashboard.render(now: Fixture.now).text
        for binding in KeyMap.standard.bindings {
            if let name = binding.name {
                #expect(help.contains(":\(name)"), ":\(name) in the help")
                #expect(throws: Never.self, ":\(name) parses") {
                    _ = try ColonCommand.parse(binding.arguments.hasPrefix("NAME") ? "\(name) light" : name)
                }
            }
            if !binding.keys.isEmpty, !["Up/k", "Down/j", "PgUp", "PgDn", "Home/g", "End/G", "Ctrl-L"].contains(binding.label) {
                #expect(help.contains(binding.help), "\(binding.label) in the help")
            }
        }
    }
}
