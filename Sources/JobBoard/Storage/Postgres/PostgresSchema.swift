/// The PostgreSQL schema, as numbered steps recorded in `schema_migrations`.
///
/// It mirrors the SQLite schema (same columns, epoch seconds as `double precision`), with a stored
/// `tsvector` in place of FTS5, built with the 'simple' configuration so both stores match the same words.
enum PostgresSchema {
    static let steps: [(version: Int, sql: String)] = [
        (
            1,
            """
            CREATE TABLE accounts (
                id BIGSERIAL PRIMARY KEY,
                email TEXT NOT NULL,
                role TEXT NOT NULL,
                display_name TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL
            );
            CREATE UNIQUE INDEX accounts_email ON accounts (lower(email));
            CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY,
                account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                expires_at DOUBLE PRECISION NOT NULL
            );
            CREATE TABLE companies (
                employer_id BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                website TEXT,
                about TEXT,
                city TEXT,
                region TEXT,
                country TEXT
            );
            CREATE TABLE jobs (
                id BIGSERIAL PRIMARY KEY,
                employer_id BIGINT NOT NULL,
                title TEXT NOT NULL,
                company TEXT NOT NULL,
                description TEXT NOT NULL,
                city TEXT,
                region TEXT,
                country TEXT NOT NULL,
                workplace TEXT NOT NULL,
                employment_type TEXT NOT NULL,
                salary_min DOUBLE PRECISION,
                salary_max DOUBLE PRECISION,
                salary_currency TEXT,
                salary_period TEXT,
                salary_year DOUBLE PRECISION NOT NULL,
                tags TEXT NOT NULL,
                apply_url TEXT,
                status TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL,
                published_at DOUBLE PRECISION,
                expires_at DOUBLE PRECISION,
                search_vector TSVECTOR GENERATED ALWAYS AS (
                    setweight(to_tsvector('simple', title), 'A')
                    || setweight(to_tsvector('simple', company), 'B')
                    || setweight(to_tsvector('simple', replace(tags, ',', ' ')), 'B')
                    || setweight(to_tsvector('simple', description), 'C')
                ) STORED
            );
            CREATE INDEX jobs_live_newest ON jobs (published_at DESC, id DESC) WHERE status = 'published';
            CREATE INDEX jobs_live_salary ON jobs (salary_year DESC, id DESC) WHERE status = 'published';
            CREATE INDEX jobs_employer ON jobs (employer_id, created_at DESC);
            CREATE INDEX jobs_search ON jobs USING GIN (search_vector);
            CREATE TABLE job_tags (
                tag TEXT NOT NULL,
                job_id BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                PRIMARY KEY (tag, job_id)
            );
            CREATE INDEX job_tags_job ON job_tags (job_id);
            CREATE TABLE applications (
                id BIGSERIAL PRIMARY KEY,
                job_id BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                seeker_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                cover_note TEXT NOT NULL,
                resume_url TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL,
                UNIQUE (job_id, seeker_id)
            );
            CREATE INDEX applications_seeker ON applications (seeker_id, created_at DESC);
            """
        )
    ]
}
