import ArgumentParser

/// Throws a validation error naming the first option whose value is below 1.
func requirePositive(_ values: [(option: String, value: Int)]) throws {
    for (option, value) in values where value < 1 {
        throw ValidationError("\(option) must be a positive integer, got \(value)")
    }
}
