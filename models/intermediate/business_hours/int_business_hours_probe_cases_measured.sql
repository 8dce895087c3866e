{#- TEST-ONLY model: applies business_clock and business_deadline to the hand-computed cases of
    seeds/business_hours_probe_cases.csv, so that the macros are pinned by unit tests and, on the
    real calendar, by data-tests/assert_business_hours_probe_cases_match_expected.sql.
    Not for reporting; tiny (one row per case). -#}
with

probe_cases as (
    select * from {{ ref('business_hours_probe_cases') }}
),

start_clock as (
    {{ business_clock('probe_cases', 'schedule_id', 'start_at', 'start_clock_seconds') }}
),

end_clock as (
    {{ business_clock('start_clock', 'schedule_id', 'end_at', 'end_clock_seconds') }}
),

deadlines as (
    {{ business_deadline(
        'end_clock', 'schedule_id', 'start_at', 'target_minutes * 60', 'deadline_at'
    ) }}
),

measured as (
    select
        probe_case_id,
        schedule_id,
        start_at,
        end_at,
        target_minutes,
        expected_business_minutes,
        expected_deadline_at,
        deadline_at,
        (end_clock_seconds - start_clock_seconds) / 60.0 as business_minutes
    from deadlines
)

select * from measured
