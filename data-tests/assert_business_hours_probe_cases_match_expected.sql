-- The business-hours engine reproduces every hand-computed case of business_hours_probe_cases on
-- the real calendar (seeded schedules and holidays) to within a millionth of a minute.
with

measured as (
    select * from {{ ref('int_business_hours_probe_cases_measured') }}
),

mismatches as (
    select
        probe_case_id,
        schedule_id,
        business_minutes,
        expected_business_minutes,
        deadline_at,
        expected_deadline_at
    from measured
    where
        not (
            (business_minutes is null and expected_business_minutes is null)
            or abs(business_minutes - expected_business_minutes) < 0.000001
        )
        or not (
            (deadline_at is null and expected_deadline_at is null)
            or deadline_at = expected_deadline_at
        )
        or (business_minutes is null) <> (expected_business_minutes is null)
        or (deadline_at is null) <> (expected_deadline_at is null)
)

select * from mismatches
