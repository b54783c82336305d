package io.yibao.gateway.pharmacy;

import io.vertx.core.Future;
import io.yibao.gateway.identity.BindingDependents;
import io.yibao.gateway.pharmacy.SettlementRecords.Status;

import java.util.ArrayList;
import java.util.List;

/**
 * Payments waiting for a resident's confirmation exist because the account showed a code of a person it held (its
 * own, or a family member's through it). When the account stops holding its person, every family proxy of it ends
 * too, so every payment still waiting for it ends: EXPIRED, nothing charged, as if the confirmation time had run
 * out. Without this, an account stepped up a minute before unbinding could still confirm for a person it no longer
 * holds.
 */
public final class ConfirmationsOfBinding implements BindingDependents {

  private final SettlementRecords records;

  public ConfirmationsOfBinding(SettlementRecords records) {
    this.records = records;
  }

  @Override
  public Future<Void> bindingEnded(String accountId, String psnNo) {
    return records.awaiting(accountId).compose(ids -> records.ofAccount(accountId, ids)).compose(waiting -> {
      List<Future<?>> ended = new ArrayList<>();
      for (Settlement s : waiting) {
        // A compare-and-set: a payment confirmed meanwhile stays as the confirmation left it.
        ended.add(records.transition(s, Status.AWAITING_CONFIRMATION, Status.EXPIRED,
                Settlement.errorFields("the account no longer holds the person"))
            .compose(moved -> records.stopAwaiting(accountId, s.id())));
      }
      return Future.all(ended).mapEmpty();
    });
  }
}
