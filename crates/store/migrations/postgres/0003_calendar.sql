-- Years of the official working-day calendar added after the build (`gongjian calendar import`),
-- kept as the file was given; they replace the compiled-in year of the same number.
CREATE TABLE calendar_years (
    year BIGINT PRIMARY KEY,
    source TEXT NOT NULL,
    imported_at BIGINT NOT NULL
);
