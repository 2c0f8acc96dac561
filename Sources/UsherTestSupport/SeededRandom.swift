#if canImport(Glibc)
import Glibc
#endif

/// A seeded random number generator (SplitMix64) for tests, so that a failing run can be
/// replayed: the seed is printed when the generator is made, and `USHER_TEST_SEED=N` makes
/// every generator start from `N`.
public struct SeededRandom: RandomNumberGenerator {
    /// The seed this generator started from.
    public let seed: UInt64
    private var state: UInt64

    /// A generator from `seed`, from `USHER_TEST_SEED`, or from a fresh random seed, in that
    /// order; prints `label: seed N`.
    public init(_ label: String, seed fixed: UInt64? = nil) {
        let chosen = fixed ?? Self.environmentSeed ?? UInt64.random(in: 1...UInt64.max)
        seed = chosen
        state = chosen
        print("\(label): seed \(chosen) (replay with USHER_TEST_SEED=\(chosen))")
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }

    private static var environmentSeed: UInt64? {
        guard let text = getenv("USHER_TEST_SEED") else { return nil }
        return UInt64(String(cString: text))
    }
}
