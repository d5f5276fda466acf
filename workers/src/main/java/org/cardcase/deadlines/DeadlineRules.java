package org.cardcase.deadlines;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Every deadline in working days; turned into absolute instants when a step starts. */
@ConfigurationProperties("cardcase.deadlines")
public class DeadlineRules {
  private int reviewWorkingDays = 2;
  private int resubmissionWorkingDays = 20;
  private int productionWorkingDays = 10;
  private int collectionReminderWorkingDays = 10;
  private int collectionFinalWorkingDays = 60;
  private int formalReportReminderWorkingDays = 5;
  private int reissuePickupWorkingDays = 15;
  private int reissueDelayWorkingDays = 5;
  public int getFormalReportReminderWorkingDays() { return formalReportReminderWorkingDays; }
  public void setFormalReportReminderWorkingDays(int v) { this.formalReportReminderWorkingDays = v; }
  /** The pickup date of a replacement card: 15 working days after the reissue is accepted. */
  public int getReissuePickupWorkingDays() { return reissuePickupWorkingDays; }
  public void setReissuePickupWorkingDays(int v) { this.reissuePickupWorkingDays = v; }
  public int getReissueDelayWorkingDays() { return reissueDelayWorkingDays; }
  public void setReissueDelayWorkingDays(int v) { this.reissueDelayWorkingDays = v; }
  public int getResubmissionWorkingDays() { return resubmissionWorkingDays; }
  public void setResubmissionWorkingDays(int v) { this.resubmissionWorkingDays = v; }
  public int getCollectionReminderWorkingDays() { return collectionReminderWorkingDays; }
  public void setCollectionReminderWorkingDays(int v) { this.collectionReminderWorkingDays = v; }
  public int getCollectionFinalWorkingDays() { return collectionFinalWorkingDays; }
  public void setCollectionFinalWorkingDays(int v) { this.collectionFinalWorkingDays = v; }
  public int getReviewWorkingDays() { return reviewWorkingDays; }
  public void setReviewWorkingDays(int v) { this.reviewWorkingDays = v; }
  public int getProductionWorkingDays() { return productionWorkingDays; }
  public void setProductionWorkingDays(int v) { this.productionWorkingDays = v; }
}
