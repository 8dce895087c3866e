with

milestones as (
    select * from {{ ref('int_ticket_milestones_measured') }}
),

tickets as (
    select * from {{ ref('int_tickets_joined_to_schedules') }}
),

turns as (
    select * from {{ ref('int_ticket_reply_turns_paired') }}
),

policies as (
    select * from {{ ref('sla_policies') }}
),

{{ sla_target_steps('milestones', 'tickets', 'turns', 'policies') }}

select * from flagged
