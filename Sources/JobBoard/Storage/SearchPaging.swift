/// Turns the `limit + 1` rows a store fetched into a page and the cursor after it.
enum SearchPaging {
    static func page(_ rows: [(Job, Double)], search: JobSearch) -> JobSearchPage {
        let pageRows = rows.prefix(search.limit)
        var next: SearchCursor?
        if rows.count > search.limit, let last = pageRows.last {
            next = SearchCursor(sort: search.effectiveSort, key: last.1, id: last.0.id)
        }
        return JobSearchPage(jobs: pageRows.map(\.0), next: next)
    }
}
