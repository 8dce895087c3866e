-- var('default_schedule_id') (the schedule of tickets whose team has none) must be a schedule of
-- seeds/business_hours.csv; otherwise those tickets would get no business time at all.
with

business_hours as (
    select * from {{ ref('business_hours') }}
),

default_schedule as (
    select
        cast('{{ var("default_schedule_id", "default") }}' as {{ dbt.type_string() }})
            as schedule_id
),

missing as (
    select
        default_schedule.schedule_id,
        'default_schedule_id ' || default_schedule.schedule_id
        || ' is not a schedule of business_hours' as failure_reason
    from default_schedule
    where default_schedule.schedule_id not in (
        select business_hours.schedule_id
        from business_hours
        where business_hours.schedule_id is not null
    )
)

select * from missing
