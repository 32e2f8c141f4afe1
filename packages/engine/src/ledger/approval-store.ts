import { withArticle } from '@switchback/core';
import type { Db, Queryable } from '../db/db.js';
import { SwitchbackError } from '../errors.js';
import { appendEvent } from './ledger-store.js';

/** A question the system (or a person) asked, with the evidence it was asked on, and its answer. */
export interface ApprovalRequest {
  id: number;
  change: string;
  transition: string;
  question: string;
  options: string[];
  evidence: Record<string, unknown>;
  askedBy: string;
  requiredRole: string | null;
  status: 'open' | 'approved' | 'rejected';
  answeredBy: string | null;
  answeredRole: string | null;
  answer: string | null;
  reason: string | null;
  createdAt: string;
  answeredAt: string | null;
}

export class ApprovalRequestNotFoundError extends SwitchbackError {
  constructor(readonly request: string) {
    super(`No approval request #${request}. List open ones with: switchback ask --list`);
  }
}

/** A refusal, like the policy's (exit 1): the request stands and someone else can answer it. */
export class SelfApprovalError extends SwitchbackError {
  override readonly exitCode = 1;
  constructor(
    readonly request: number,
    readonly who: string,
  ) {
    super(`${who} asked request #${request} and cannot answer it: another person must (the one who asks never approves their own request).`);
  }
}

export class RequestAnsweredError extends SwitchbackError {
  constructor(
    readonly request: number,
    readonly status: string,
    readonly by: string | null,
  ) {
    super(`Request #${request} is already ${status}${by ? ` by ${by}` : ''}; answers are final. Open a new request with: switchback ask`);
  }
}

/** A refusal, like the policy's (exit 1): the request stands for a holder of the role. */
export class ApprovalRoleError extends SwitchbackError {
  override readonly exitCode = 1;
  constructor(
    readonly request: number,
    readonly transition: string,
    readonly required: string,
    readonly given: string | undefined,
  ) {
    super(
      `Refused: request #${request} (${transition}) needs an answer from ${withArticle(required)}, the role the policy's approvals name for it${given ? `; you answer as ${given}` : ' and you gave no role'}. ` +
        `Who can: a person holding the role ${required}, other than the one who asked (switchback approve ${request} --as NAME --role ${required}).`,
    );
  }
}

interface Row {
  id: number;
  change_id: string;
  transition: string;
  question: string;
  options: string[];
  evidence: Record<string, unknown>;
  asked_by: string;
  required_role: string | null;
  status: ApprovalRequest['status'];
  answered_by: string | null;
  answered_role: string | null;
  answer: string | null;
  reason: string | null;
  created_at: Date;
  answered_at: Date | null;
}

const COLUMNS = `id::int AS id, change_id, transition, question, options, evidence, asked_by, required_role, status, answered_by, answered_role, answer, reason, created_at, answered_at`;

function view(r: Row): ApprovalRequest {
  return {
    id: r.id,
    change: r.change_id,
    transition: r.transition,
    question: r.question,
    options: r.options,
    evidence: r.evidence,
    askedBy: r.asked_by,
    requiredRole: r.required_role,
    status: r.status,
    answeredBy: r.answered_by,
    answeredRole: r.answered_role,
    answer: r.answer,
    reason: r.reason,
    createdAt: new Date(r.created_at).toISOString(),
    answeredAt: r.answered_at ? new Date(r.answered_at).toISOString() : null,
  };
}

export interface NewApprovalRequest {
  change: string;
  transition: string;
  question: string;
  options: string[];
  evidence?: Record<string, unknown>;
  askedBy: string;
  requiredRole?: string;
}

/**
 * Open a request, or return the one already open for the same change and
 * transition (one open question per transition, enforced by a unique index).
 */
export async function openApprovalRequest(db: Db, r: NewApprovalRequest, now: Date = new Date()): Promise<{ request: ApprovalRequest; created: boolean }> {
  if (!r.options.length) throw new SwitchbackError('An approval request needs at least one option (--option approve --option reject).');
  return db.transaction(async (tx) => {
    const existing = await tx.query<Row>(`SELECT ${COLUMNS} FROM switchback.approval_requests WHERE change_id = $1 AND transition = $2 AND status = 'open'`, [r.change, r.transition]);
    if (existing.rows[0]) return { request: view(existing.rows[0]), created: false };
    const { rows } = await tx.query<Row>(
      `INSERT INTO switchback.approval_requests (change_id, transition, question, options, evidence, asked_by, required_role, created_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) RETURNING ${COLUMNS}`,
      [r.change, r.transition, r.question, r.options, JSON.stringify(r.evidence ?? {}), r.askedBy, r.requiredRole ?? null, now],
    );
    const request = view(rows[0]!);
    await appendEvent(tx, { change: r.change, actor: r.askedBy, action: 'approval.asked', outcome: 'info', evidence: { request: request.id, transition: r.transition, question: r.question, options: r.options, requiredRole: r.requiredRole ?? null, evidence: r.evidence ?? {} } }, now);
    return { request, created: true };
  });
}

export interface ApprovalAnswer {
  by: string;
  role?: string;
  approve: boolean;
  /** The option chosen; defaults to approve / reject. */
  answer?: string;
  reason?: string;
}

/** Answer a request: refused for the asker, an answered request, or the wrong role. */
export async function answerApprovalRequest(db: Db, id: number, a: ApprovalAnswer, now: Date = new Date()): Promise<ApprovalRequest> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<Row>(`SELECT ${COLUMNS} FROM switchback.approval_requests WHERE id = $1 FOR UPDATE`, [id]);
    const r = rows[0];
    if (!r) throw new ApprovalRequestNotFoundError(String(id));
    if (r.status !== 'open') throw new RequestAnsweredError(id, r.status, r.answered_by);
    if (r.asked_by === a.by) throw new SelfApprovalError(id, a.by);
    if (a.approve && r.required_role && r.required_role !== a.role) throw new ApprovalRoleError(id, r.transition, r.required_role, a.role);
    const answer = a.answer ?? (a.approve ? 'approve' : 'reject');
    if (a.answer !== undefined && !r.options.includes(a.answer)) throw new SwitchbackError(`"${a.answer}" is not an option of request #${id}; its options are ${r.options.join(', ')}.`);
    const updated = await tx.query<Row>(
      `UPDATE switchback.approval_requests SET status = $2, answered_by = $3, answered_role = $4, answer = $5, reason = $6, answered_at = $7 WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, a.approve ? 'approved' : 'rejected', a.by, a.role ?? null, answer, a.reason ?? null, now],
    );
    await appendEvent(tx, { change: r.change_id, actor: a.by, action: a.approve ? 'approval.approved' : 'approval.rejected', outcome: 'info', evidence: { request: id, transition: r.transition, role: a.role ?? null, answer, reason: a.reason ?? null } }, now);
    return view(updated.rows[0]!);
  });
}

export async function listApprovalRequests(db: Queryable, filter: { change?: string; status?: ApprovalRequest['status'] } = {}): Promise<ApprovalRequest[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM switchback.approval_requests WHERE ($1::text IS NULL OR change_id = $1) AND ($2::text IS NULL OR status = $2) ORDER BY id`,
    [filter.change ?? null, filter.status ?? null],
  );
  return rows.map(view);
}

export async function getApprovalRequest(db: Queryable, id: number): Promise<ApprovalRequest> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM switchback.approval_requests WHERE id = $1`, [id]);
  if (!rows[0]) throw new ApprovalRequestNotFoundError(String(id));
  return view(rows[0]);
}
