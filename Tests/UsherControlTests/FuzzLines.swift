/// Random and mutated request lines for fuzzing the control socket. None contains a newline,
/// so each is exactly one line and gets exactly one answer.
enum FuzzLines {
    static let seeds = [
        #"{"v":1,"id":1,"op":"hello"}"#,
        #"{"v":1,"id":2,"op":"snapshot"}"#,
        #"{"v":1,"id":3,"op":"stats"}"#,
        #"{"v":1,"id":4,"op":"decide","ids":["r999"],"decision":"accept"}"#,
        #"{"v":1,"id":5,"op":"decide","ids":["r998"],"decision":"reject","mode":"reset","message":"x"}"#,
        #"{"v":1,"id":6,"op":"decide","ids":["r997"],"decision":"defer","for":"5s"}"#,
    ]

    static func make(count: Int, using generator: inout some RandomNumberGenerator) -> [[UInt8]] {
        (0..<count).map { index in
            var line = index % 3 == 0 ? random(using: &generator) : mutate(seeds[index % seeds.count], using: &generator)
            line.removeAll { $0 == 0x0A }
            return line.isEmpty || line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) ? Array("{".utf8) : line
        }
    }

    private static func random(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        (0..<Int.random(in: 1...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    private static func mutate(_ seed: String, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var bytes = Array(seed.utf8)
        let tokens = ["null", "true", "[]", "{}", "\"", ",", ":", "-1", "1e999", "\"r1\"", "\\u0000", "💥"]
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            let position = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: bytes[position] = UInt8.random(in: 0...255, using: &generator)
            case 1: bytes.remove(at: position)
            case 2: bytes.insert(contentsOf: Array(tokens.randomElement(using: &generator)!.utf8), at: position)
            default: bytes = Array(bytes.prefix(position))
            }
            if bytes.isEmpty { bytes = Array("{".utf8) }
        }
        return bytes
    }
}
