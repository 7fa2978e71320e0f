import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// Reads a ``JobSearch`` from query parameters, shared by the API, the result pages and the Atom feed.
enum SearchParameters {
    static func search(from parameters: FormFields) throws(Problem) -> JobSearch {
        var search = JobSearch()
        search.text = nonEmpty(parameters, "q")
        if let value = nonEmpty(parameters, "workplace") {
            guard let workplace = Workplace(rawValue: value) else {
                throw .badParameter("workplace", "must be one of \(Workplace.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            search.workplace = workplace
        }
        if let value = nonEmpty(parameters, "employment_type") {
            guard let type = EmploymentType(rawValue: value.uppercased()) else {
                throw .badParameter(
                    "employment_type", "must be one of \(EmploymentType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            search.employmentType = type
        }
        if let value = nonEmpty(parameters, "country") {
            guard value.count == 2 else { throw .badParameter("country", "must be an ISO 3166-1 alpha-2 code") }
            search.country = value.uppercased()
        }
        search.city = nonEmpty(parameters, "city")
        if let value = nonEmpty(parameters, "min_salary") {
            guard let amount = Double(value), amount.isFinite, amount >= 0 else {
                throw .badParameter("min_salary", "must be a non-negative number (yearly)")
            }
            search.minimumYearlySalary = amount
        }
        if let value = nonEmpty(parameters, "currency") {
            guard value.count == 3 else { throw .badParameter("currency", "must be an ISO 4217 code") }
            search.currency = value.uppercased()
        }
        search.tags = parameters.every("tags").flatMap { $0.split(separator: ",") }.map {
            String($0).trimmingCharacters(in: .whitespaces).lowercased()
        }.filter { !$0.isEmpty }
        if search.tags.count > 10 { throw .badParameter("tags", "at most 10 tags") }
        if let value = nonEmpty(parameters, "posted_within_days") {
            guard let days = Int(value), (1...365).contains(days) else {
                throw .badParameter("posted_within_days", "must be a whole number from 1 to 365")
            }
            search.postedWithinDays = days
        }
        if let value = nonEmpty(parameters, "sort") {
            guard let sort = JobSearch.Sort(rawValue: value) else {
                throw .badParameter("sort", "must be newest, salary or relevance")
            }
            search.sort = sort
        }
        if let value = nonEmpty(parameters, "limit") {
            guard let limit = Int(value), (1...JobSearch.maximumLimit).contains(limit) else {
                throw .badParameter("limit", "must be a whole number from 1 to \(JobSearch.maximumLimit)")
            }
            search.limit = limit
        }
        if let value = nonEmpty(parameters, "cursor") {
            guard let cursor = SearchCursor(token: value), cursor.sort == search.effectiveSort.rawValue else {
                throw .badParameter("cursor", "is not a cursor from this search; start again without it")
            }
            search.after = cursor
        }
        return search
    }

    private static func nonEmpty(_ parameters: FormFields, _ name: String) -> String? {
        parameters[name]
    }
}
