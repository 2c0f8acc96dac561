import Foundation
import Testing
import UsherDashboard

@Suite("Themes", .timeLimit(.minutes(1)))
struct ThemeTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("every built-in theme loads, names every slot, and mono has no colour", arguments: BuiltInThemes.names)
    func builtIn(name: String) throws {
        let path = Self.repository.appendingPathComponent("themes/\(name).toml").path
        let source = try String(contentsOfFile: path, encoding: .utf8)
        let theme = try ThemeFile.parse(source, file: "themes/\(name).toml", name: name)
        #expect(BuiltInThemes.theme(named: name) == theme, "the binary carries themes/\(name).toml as it is")
        for slot in Slot.allCases { #expect(source.contains("\n\(slot.rawValue) = "), "\(name) sets \(slot.rawValue)") }
        #expect(theme.isMonochrome == (name == "mono"))
    }

    @Test("a bad theme names the file, the line and the key", arguments: [
        ("[slots]\nheader = \"bold\"\n", ":2: slots.header: unknown slot"),
        ("[slots]\ntitle = \"bold grene on blue\"\n", ":2: slots.title: 'grene' is neither a colour"),
        ("description = \"x\"\n\n[slots]\nrow = \"red green\"\n", ":4: slots.row: 'green' is a second foreground"),
        ("[slots]\nrow = 3\n", ":2: slots.row: must be a string"),
        ("colour = 1\n", ":1: colour: unknown key"),
        ("inherits = \"solarized\"\n", ":1: inherits: no built-in theme 'solarized'"),
        ("[slots\nrow = \"red\"\n", ":1: not valid TOML"),
        ("[slots]\nrow = \"red on\"\n", ":2: slots.row: 'on' must be followed"),
    ])
    func badTheme(text: String, expected: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("usher-theme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("mine.toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try ThemeChoice.load(path)
        } throws: { error in
            "\(error)".hasPrefix(path + expected)
        }
    }

    @Test("unknown names and missing files are clear errors")
    func missing() {
        #expect(throws: ThemeError.self) { try ThemeChoice.load("solarized") }
        do {
            _ = try ThemeChoice.load("/nonexistent/usher.toml")
        } catch {
            #expect(error.description == "/nonexistent/usher.toml: cannot read the theme file (no such file)")
        }
    }

    @Test("inherits keeps the parent's slots and changes the named ones")
    func inherits() throws {
        let theme = try ThemeFile.parse("inherits = \"default\"\n[slots]\nrow = \"bold #ff8800 on 236\"\n", file: "t.toml", name: "t")
        #expect(theme.style(.row) == TextStyle(foreground: .rgb(255, 136, 0), background: .indexed(236), attributes: .bold))
        #expect(theme.style(.title) == BuiltInThemes.theme(named: "default")?.style(.title))
    }

    @Test("NO_COLOR and TERM=dumb give mono; a non-UTF-8 locale gives ASCII lines")
    func environment() throws {
        let noColor = try ThemeChoice.resolve("default", ascii: false, environment: ["NO_COLOR": "1"], localeIsUTF8: true)
        #expect(noColor.theme.isMonochrome && noColor.lineDrawing == .unicode)
        let dumb = try ThemeChoice.resolve(nil, ascii: false, environment: ["TERM": "dumb"], localeIsUTF8: true)
        #expect(dumb.theme.isMonochrome && dumb.lineDrawing == .ascii)
        let latin = try ThemeChoice.resolve("light", ascii: false, environment: ["TERM": "xterm"], localeIsUTF8: false)
        #expect(!latin.theme.isMonochrome && latin.lineDrawing == .ascii)
    }

    @Test("24-bit colours map to the nearest of 256, and of 8")
    func colours() {
        #expect(TerminalColor.rgb(255, 0, 0).index == 196)
        #expect(TerminalColor.rgb(128, 128, 128).index == 244)
        #expect(TerminalColor.indexed(196).basicIndex == 1)
        #expect(TerminalColor.indexed(12).basicIndex == 4)
    }

    @Test("on 8 colours no text is black or vanishes on the terminal's own background: greys become dim", arguments: BuiltInThemes.names)
    func eightColours(name: String) throws {
        let theme = try #require(BuiltInThemes.theme(named: name))
        for slot in Slot.allCases {
            let fitted = theme.style(slot).fitted(colors: 8)
            if fitted.background == nil {
                #expect(fitted.foreground != 0, "\(name).\(slot.rawValue) is black on the default background")
            }
            if let foreground = fitted.foreground { #expect(foreground != fitted.background, "\(name).\(slot.rawValue) is invisible") }
        }
        if name == "default" {
            let muted = theme.style(.muted).fitted(colors: 8)
            #expect(muted == FittedStyle(foreground: nil, background: nil, attributes: [.dim]))
            #expect(theme.style(.muted).fitted(colors: 256).foreground == 8, "256 colours keep the grey")
            #expect(theme.style(.title).fitted(colors: 8).foreground == 0, "black on a colour stays")
        }
    }

    @Test("a style whose colours meet on 8 colours is drawn in reverse; no colours keep the attributes")
    func collapsed() {
        let same = TextStyle(foreground: .indexed(9), background: .indexed(1)).fitted(colors: 8)
        #expect(same == FittedStyle(foreground: nil, background: nil, attributes: [.reverse]))
        let none = TextStyle(foreground: .indexed(2), background: .indexed(4)).fitted(colors: 0)
        #expect(none.attributes == [.reverse] && none.foreground == nil)
    }
}
