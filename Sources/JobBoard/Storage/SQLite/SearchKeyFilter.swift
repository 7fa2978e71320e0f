/// A search's filters resolved against the cache's codes once, so checking a key is a few integer compares.
struct SearchKeyFilter: Sendable {
    var now: Double
    var workplace: UInt8?
    var employmentType: UInt8?
    var country: Int32?
    var city: Int32?
    var currency: Int32?
    var minimumYearlySalary: Double?
    var publishedSince: Double?
    /// True when a filter names a value no live posting has, so nothing can match.
    var matchesNothing = false

    init(_ search: JobSearch, now: Double, codes: SearchKeyCodes) {
        self.now = now
        workplace = search.workplace.map(SearchKey.code)
        employmentType = search.employmentType.map(SearchKey.code)
        func resolve(_ value: String?, in table: [String: Int32]) -> Int32? {
            guard let value else { return nil }
            guard let code = table[value] else {
                matchesNothing = true
                return nil
            }
            return code
        }
        country = resolve(search.country?.uppercased(), in: codes.countries)
        city = resolve(search.city.map(SearchKeyCodes.cityKey), in: codes.cities)
        currency = resolve(search.currency?.uppercased(), in: codes.currencies)
        minimumYearlySalary = search.minimumYearlySalary
        publishedSince = search.postedWithinDays.map { now - Double($0) * 86_400 }
    }

    func admits(_ key: SearchKey) -> Bool {
        guard key.isPresent, key.expiresAt > now else { return false }
        if let workplace, key.workplace != workplace { return false }
        if let employmentType, key.employmentType != employmentType { return false }
        if let country, key.country != country { return false }
        if let city, key.city != city { return false }
        if let currency, key.currency != currency { return false }
        if let minimumYearlySalary, key.salaryYear < minimumYearlySalary { return false }
        if let publishedSince, key.publishedAt < publishedSince { return false }
        return true
    }
}
